/**
 * Spreadsheet exports. A cell is quoted when it holds a separator, a quote or a line break, and one
 * that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return)
 * is written as text: a position id typed by a recruiter must not become a formula on HR's desk.
 */
export function csv(
  header: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const cell = (v: string | number | null): string => {
    if (v === null) return '';
    if (typeof v === 'number') return String(v);
    const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  // CRLF between records, as RFC 4180 has it and spreadsheets expect.
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
