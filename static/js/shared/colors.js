// @ts-check
// Each person keeps one colour everywhere (chip, their cards' edge, their links): an index into
// the colour-blind-safe palette of the stylesheets (.color-0 … .color-7, .edge-*, .stroke-*).
// The server sends it already reduced to 0–7; a person the viewer cannot name is "anon".

/**
 * The palette entry of a person, or "anon" for nobody known.
 * @param {?{color: number}|undefined} person
 * @returns {number|"anon"}
 */
export function paletteOf(person) {
  return person ? person.color : "anon";
}

/**
 * The class that paints something in a person's colour: `color-3`, `edge-3`, `stroke-anon`.
 * @param {"color"|"edge"|"stroke"} use
 * @param {?{color: number}|undefined} person
 * @returns {string}
 */
export function colorClass(use, person) {
  return `${use}-${paletteOf(person)}`;
}
