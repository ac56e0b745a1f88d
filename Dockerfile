# syntax=docker/dockerfile:1
# One image for every process of the relay: the ingress, the workers, the `relay` CLI and the
# Intercom simulator. There is no build step: Node 24 runs the TypeScript sources directly
# (type stripping), as scripts/demo.sh and the tests do. The command picks the process:
#   docker run IMAGE apps/ingress/src/main.ts
#   docker run IMAGE apps/worker/src/main.ts
#   docker run IMAGE apps/cli/src/main.ts triage
#   docker run IMAGE apps/intercom-sim/src/main.ts --host 0.0.0.0 --port 4010
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS install
# The version of package.json's packageManager, installed with npm as scripts/bootstrap.sh does.
RUN npm install --global --no-audit --no-fund pnpm@12.21.0
WORKDIR /app
# The lockfile alone decides what is downloaded: this layer is reused until it changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --prod
COPY . .
RUN pnpm install --offline --frozen-lockfile --prod

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=install /app /app
# Secrets arrive as files (*_FILE, compose secrets), never in the image or its environment.
USER node
EXPOSE 3000 3100 9464
ENTRYPOINT ["node"]
CMD ["apps/ingress/src/main.ts"]
