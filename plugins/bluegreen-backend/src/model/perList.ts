/**
 * Results derived from a list of objects, kept for as long as the list lives and holds the same
 * objects: what the model derives from the cluster's VirtualServices (an index, one namespace's
 * share) is then worked out once per list, not once per question, however often the planner and
 * the state ask about the same objects. The model never changes the objects it is given, and
 * objects from the API server are replaced, not edited, when they change; a list whose elements
 * were replaced or added since is recomputed.
 */
export class PerList<T extends object, R> {
  private readonly entries = new WeakMap<
    readonly T[],
    { elements: readonly T[]; results: Map<string, R> }
  >();

  constructor(
    private readonly compute: (list: readonly T[], key: string) => R,
  ) {}

  get(list: readonly T[], key = ''): R {
    let entry = this.entries.get(list);
    if (
      !entry ||
      entry.elements.length !== list.length ||
      entry.elements.some((element, i) => element !== list[i])
    ) {
      entry = { elements: [...list], results: new Map() };
      this.entries.set(list, entry);
    }
    let result = entry.results.get(key);
    if (result === undefined) {
      result = this.compute(list, key);
      entry.results.set(key, result);
    }
    return result;
  }
}
