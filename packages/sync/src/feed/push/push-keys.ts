/** The push's Redis keys (next to the feed's; no personal data in any of them). */
export function pushKeys(prefix: string) {
  return {
    /** A record's delivery slot (see the glossary: slot): cursors, versions, field names. */
    slot: (record: string) => `${prefix}:push:slot:${record}`,
    /** The record a slot key names. */
    recordOfSlot: (slot: string) => slot.slice(`${prefix}:push:slot:`.length),
    /**
     * Slots due for the fast path (score: when; a leased slot's score is its lease's end).
     * Slots a delivery job owns are not in it.
     */
    due: `${prefix}:push:due`,
    /**
     * The slots off the fast path with a change waiting: a delivery job's, or a dead letter's
     * (the scripts' `due:held`). Undelivered changes: these and the due set's.
     */
    held: `${prefix}:push:due:held`,
    /** The last change of the log the dispatcher staged. */
    cursor: `${prefix}:push:cursor`,
    /** While set, changes up to this cursor are staged again even when delivered (a replay). */
    replayUntil: `${prefix}:push:replay-until`,
    /** The dispatcher's lease: one process stages at a time. */
    dispatcher: `${prefix}:push:dispatcher`,
    /** A record's delivery lock: one delivery of a record at a time, in any process. */
    lock: (record: string) => `${prefix}:push:lock:${record}`,
  };
}

export type PushKeys = ReturnType<typeof pushKeys>;

/** The delivery job of a record's slot (BullMQ job ids take no ':'). */
export const deliveryJobId = (record: string, seq: string) => `deliver.${record}.${seq}`;

/** Stream ids in order ('1-2' < '1-10' < '2-0'). */
export function compareCursors(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}
