import {
  EMPTY_HASH,
  type FieldHashes,
  isEmptyValue,
  pathId,
  valueHash,
  type WriteLedger,
} from './field-hashes.ts';

export type Detection = {
  /** The record's snapshot after this state: always the incoming state. */
  snapshot: FieldHashes;
  /** Fields changed by someone other than the relay, outside the CRM's own fields. */
  changed: string[];
  /** Fields whose new value is one the relay wrote (the echo rule). */
  echoed: string[];
  /** Fields the CRM owns that someone else changed in Intercom (FEED_CRM_OWNED_FIELDS). */
  conflicts: string[];
};

/** A field the CRM owns: named exactly, or under a named prefix (`custom_attributes`). */
function isCrmOwned(path: string, owned: ReadonlySet<string>): boolean {
  if (owned.has(path)) return true;
  for (let dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
    if (owned.has(path.slice(0, dot))) return true;
  }
  return false;
}

/**
 * Compares an incoming state (path → value) with the record's snapshot, field by field (see
 * the glossary: snapshot, echo rule). A difference whose new value is among the relay's
 * recent writes of that field is the relay's own write coming back; one to a CRM-owned field
 * is a conflict; any other is a change. A field that vanished from the incoming state (a
 * custom attribute removed from the workspace) is reported under its group's name.
 */
export function detectChanges(
  previous: FieldHashes,
  incoming: ReadonlyMap<string, unknown>,
  ledger: WriteLedger,
  owned: ReadonlySet<string>,
): Detection {
  const detection: Detection = { snapshot: new Map(), changed: [], echoed: [], conflicts: [] };
  const classify = (path: string, id: number, newHash: number) => {
    if (ledger.get(id)?.includes(newHash)) detection.echoed.push(path);
    else if (isCrmOwned(path, owned)) detection.conflicts.push(path);
    else detection.changed.push(path);
  };
  let kept = 0; // fields of the snapshot still in the incoming state
  for (const [path, value] of incoming) {
    const id = pathId(path);
    const newHash = isEmptyValue(value) ? EMPTY_HASH : valueHash(value);
    if (newHash !== EMPTY_HASH) detection.snapshot.set(id, newHash);
    const oldHash = previous.get(id);
    if (oldHash !== undefined) kept += 1;
    if (newHash !== (oldHash ?? EMPTY_HASH)) classify(path, id, newHash);
  }
  if (kept < previous.size) {
    const seen = new Set<number>();
    for (const path of incoming.keys()) seen.add(pathId(path));
    for (const id of previous.keys()) {
      if (!seen.has(id)) classify('custom_attributes', id, EMPTY_HASH);
    }
  }
  return detection;
}
