import type { IntercomClient } from '@relay/intercom';
import type { ArticleCreateJob } from '@relay/jobs';
import type { RunContext } from '../records/run-context.ts';

export type ArticleCreateDeps = { intercom: IntercomClient };

export type ArticleCreateResult = { intercomId: string; created: boolean };

/**
 * Creates a help-center article. Creating is not idempotent at Intercom, so a job that ran
 * before first looks for the article it may already have made (same title and author, made
 * since the request) and does not make a second.
 */
export async function articleCreate(
  job: ArticleCreateJob,
  deps: ArticleCreateDeps,
  context: RunContext,
): Promise<ArticleCreateResult> {
  const { article } = job;
  if (context.startedBefore) {
    const since = Math.floor(job.requestedAt / 1000) - 1;
    for await (const existing of deps.intercom.listArticles()) {
      if (
        existing.title === article.title &&
        existing.author_id === article.author_id &&
        typeof existing.created_at === 'number' &&
        existing.created_at >= since
      ) {
        return { intercomId: existing.id, created: false };
      }
    }
  }
  const created = await deps.intercom.createArticle({
    title: article.title,
    body: article.body,
    description: article.description,
    authorId: article.author_id,
    state: article.state,
    parentId: article.parent_id,
    parentType: article.parent_type,
  });
  return { intercomId: created.id, created: true };
}
