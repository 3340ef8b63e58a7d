/**
 * Binary units as image and volume sizes are usually given: `512 B`, `1 GiB`, `4.2 KiB`,
 * `101 KiB`. Whole values stay whole; one decimal below 10, none above.
 */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const shown = Number.isInteger(v) ? v : v < 10 ? v.toFixed(1) : Math.round(v);
  return `${shown} ${units[i]}`;
}
