// What callers who are not signed in (the public board, anyone with the URL) may see of a player:
// the first name and the initial of the last, as the board shows them; nothing that leads to a
// face (photo, souvenir) or to another system's profile.

/** The first letter of a last name, upper-cased; null when there is none. */
export function lastNameInitial(lastName: string | null): string | null {
  const first = lastName?.trim().codePointAt(0);
  return first === undefined ? null : String.fromCodePoint(first).toUpperCase();
}
