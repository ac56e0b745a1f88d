export type TagRecord = { id: string; name: string; created_at: number };

export type TagView = { type: 'tag'; id: string; name: string };

export function tagView(tag: TagRecord): TagView {
  return { type: 'tag', id: tag.id, name: tag.name };
}

/** A tag as a tagging operation answers it: when, and by which admin (the token's owner). */
export function appliedTagView(tag: TagView, appliedAt: number, adminId: string) {
  return { ...tag, applied_at: appliedAt, applied_by: { type: 'admin', id: adminId } };
}
