// @ts-check
// What a phone keeps on itself: drafts, the outbox of unsent changes, where it was (tab, prompt),
// and its person's own part of the last state (phone.js ownPart: never colleagues' cards).
// Everything for a workshop is cleared when the phone learns its place there is gone.
// localStorage may be missing or full (private modes); then the page works, it just forgets.

/**
 * A small key-value store scoped to one workshop.
 * @param {string} code the workshop code
 * @returns {{get: (key: string, fallback?: *) => *, set: (key: string, value: *) => void,
 *            remove: (key: string) => void, clearAll: () => void}}
 */
export function workshopStore(code) {
  const prefix = `wf:${code}:`;
  return {
    /**
     * Read a JSON value.
     * @param {string} key
     * @param {*} [fallback]
     * @returns {*}
     */
    get(key, fallback = null) {
      try {
        const raw = window.localStorage.getItem(prefix + key);
        return raw === null ? fallback : JSON.parse(raw);
      } catch {
        return fallback;
      }
    },
    /**
     * Write a JSON value (or remove it when empty).
     * @param {string} key
     * @param {*} value
     */
    set(key, value) {
      try {
        if (value === null || value === undefined || value === "") window.localStorage.removeItem(prefix + key);
        else window.localStorage.setItem(prefix + key, JSON.stringify(value));
      } catch {
        /* storage full or disabled: keep working without it */
      }
    },
    /**
     * Forget a value.
     * @param {string} key
     */
    remove(key) {
      try {
        window.localStorage.removeItem(prefix + key);
      } catch {
        /* ignore */
      }
    },
    /** Forget everything kept for this workshop (its person or the workshop is gone). */
    clearAll() {
      try {
        for (const key of Object.keys(window.localStorage)) {
          if (key.startsWith(prefix)) window.localStorage.removeItem(key);
        }
      } catch {
        /* ignore */
      }
    },
  };
}
