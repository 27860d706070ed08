/**
 * What the local catchers (mail, texts) keep, with a way to wait for an item: a test or the
 * demo waits for "the mail to Ada" whether it arrived already or is still on its way.
 */
export function caughtList<T>(noun: string) {
  const items: T[] = [];
  const waiters: { match: (t: T) => boolean; resolve: (t: T) => void }[] = [];
  return {
    items,
    add(item: T) {
      items.push(item);
      for (const w of [...waiters]) if (w.match(item)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(item);
      }
    },
    /** Resolves with the first item (already caught or arriving) that matches. */
    waitFor(match: (t: T) => boolean, timeoutMs = 30_000): Promise<T> {
      const found = items.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (t: T) => { clearTimeout(timer); resolve(t); } };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching ${noun} within ${timeoutMs} ms (${items.length} caught)`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
  };
}
