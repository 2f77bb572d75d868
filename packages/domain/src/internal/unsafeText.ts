/**
 * Characters that make stored text show something else than it is: C0 controls, DEL and C1
 * controls (CR/LF forge lines, ESC sequences recolour a terminal, PostgreSQL refuses NUL), and
 * the bidirectional embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069 (they make
 * text read in another order). Names and webhook URLs refuse them.
 */
export const controlOrBidi = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
