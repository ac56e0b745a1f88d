/** `--help`: every flag with its default. Keep in step with `cli-args.ts` and the README. */
export const helpText = `intercom-sim: an Intercom REST API (2.14) simulator for dev, tests, demo and benchmarks

Usage: node apps/intercom-sim/src/main.ts [flags]

Prints one JSON line to stdout when ready: {"event":"listening","url":"http://127.0.0.1:PORT"}

Server
  --port N                      port to listen on; 0 picks a free one        (default 4010)
  --host HOST                   address to bind                              (default 127.0.0.1)
  --log                         Fastify logs, to stderr                      (default off)
Workspace
  --token TOKEN[:APP_ID]        accepted access token and its app; repeatable (default sim-token:simapp)
  --workspace ID                workspace id (app.id_code, webhook app_id)   (default simapp)
  --seed FILE                   JSON contacts loaded at start: [...] or {"contacts":[...]}
  --custom-attribute [MODEL.]NAME:TYPE
                                a custom data attribute that exists from the start; repeatable
                                (MODEL contact|company, default contact; TYPE string|integer|float|boolean|date)
  --strict-custom-attributes    refuse writes to custom attributes nobody created, like Intercom
                                (default: create them on first write)
Rate limits (windows aligned to the epoch)
  --rate-limit N                calls per app per window                     (default 1666)
  --workspace-rate-limit N      calls per window for all apps together       (default 4166)
  --window-ms N                 window length                                (default 10000)
Search
  --search-lag-ms N             delay before writes are visible to search    (default 0)
Webhooks
  --webhook-url URL             receiver of every notification; repeatable
  --webhook-secret S            client secret for X-Hub-Signature            (default sim-client-secret)
  --webhook-retry-delay-ms N    delay before the one retry of a failure      (default 60000)
  --webhook-timeout-ms N        delivery timeout                             (default 5000)
  --webhook-ca FILE             PEM certificates trusted for https receivers (default the system's)
  --webhook-throttle-delay-ms N first re-send delay after a 429, doubling      (default 60000)
  --webhook-throttle-max-ms N   a notification held longer by 429s is dropped (default 7200000)
  --webhook-pause-errors N      more consecutive errors on a topic pause it  (default 1000)
  --webhook-pause-window-ms N   ...if they fall within this window           (default 900000)
  --webhook-pause-ms N          how long a paused topic stays paused         (default 900000)
Webhook faults (change at run time with POST /__sim/webhooks/faults)
  --webhook-drop-share P        share of notifications lost, never sent      (default 0)
  --webhook-reorder-share P     share held back so later ones overtake them  (default 0)
  --webhook-reorder-delay-ms N  how long a held-back notification waits      (default 300)
Faults (the start-up baseline; change at run time with POST /__sim/faults)
  --latency-ms N                latency added to every API call              (default 0)
  --latency-max-ms M            with --latency-ms N: uniform between N and M
  --error-rate STATUS=P         answer STATUS with probability P; repeatable (e.g. 503=0.3)
  --faults JSON                 any fault config, e.g. '{"hangRate":0.1}'
  --random-seed N               seed the random source of every fault, so runs repeat
                                (default: unseeded)
Control API (/__sim/)
  --journal-limit N             journal entries kept                         (default 5000)
  --clock-control               let POST /__sim/clock set, advance or freeze the clock (default off)
  --help                        this text
`;
