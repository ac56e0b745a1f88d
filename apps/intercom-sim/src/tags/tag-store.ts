import { IntercomHttpError } from '../http/intercom-error.ts';
import type { TagRecord } from './tag-view.ts';

export function tagNotFound(): IntercomHttpError {
  return new IntercomHttpError(404, 'tag_not_found', 'Tag not found');
}

/** The workspace's tags; names are unique, ids are numeric strings like Intercom's. */
export function createTagStore(now: () => number) {
  const tags = new Map<string, TagRecord>();
  const idByName = new Map<string, string>();
  let lastId = 8_000_000;

  function require(id: string): TagRecord {
    const tag = tags.get(id);
    if (!tag) throw tagNotFound();
    return tag;
  }

  return {
    require,
    all: () => [...tags.values()],
    findByName(name: string): TagRecord | undefined {
      const id = idByName.get(name);
      return id ? tags.get(id) : undefined;
    },
    /** `POST /tags`: creates the tag, or renames it when an existing id is given. */
    createOrRename(name: string, id?: string): TagRecord {
      if (id !== undefined) {
        const previous = require(id);
        const tag = { ...previous, name };
        idByName.delete(previous.name);
        tags.set(id, tag);
        idByName.set(name, id);
        return tag;
      }
      const existing = idByName.get(name);
      if (existing) return require(existing);
      const tag = { id: String(++lastId), name, created_at: Math.floor(now() / 1000) };
      tags.set(tag.id, tag);
      idByName.set(name, tag.id);
      return tag;
    },
    delete(id: string) {
      const tag = require(id);
      tags.delete(id);
      idByName.delete(tag.name);
    },
    clear() {
      tags.clear();
      idByName.clear();
      lastId = 8_000_000;
    },
  };
}

export type TagStore = ReturnType<typeof createTagStore>;
