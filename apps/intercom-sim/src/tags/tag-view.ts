export type TagRecord = { id: string; name: string; created_at: number };

export type TagView = { type: 'tag'; id: string; name: string };

export function tagView(tag: TagRecord): TagView {
  return { type: 'tag', id: tag.id, name: tag.name };
}
