/**
 * Which contacts belong to which company, kept from contact writes (each knows the company ids
 * before and after), so `user_count` and `GET /companies/{id}/contacts` need no scan.
 */
export function createCompanyMembers() {
  const members = new Map<string, Set<string>>();

  return {
    apply(contactId: string, before: readonly string[], after: readonly string[]) {
      for (const companyId of before) {
        if (!after.includes(companyId)) members.get(companyId)?.delete(contactId);
      }
      for (const companyId of after) {
        let set = members.get(companyId);
        if (!set) {
          set = new Set();
          members.set(companyId, set);
        }
        set.add(contactId);
      }
    },
    contactIds: (companyId: string): ReadonlySet<string> => members.get(companyId) ?? new Set(),
    count: (companyId: string) => members.get(companyId)?.size ?? 0,
    forget(companyId: string) {
      members.delete(companyId);
    },
    clear() {
      members.clear();
    },
  };
}
