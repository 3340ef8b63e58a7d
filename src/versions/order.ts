/** The outcome of comparing two firmware version strings. */
export const VersionOrder = {
  /** The first version is older than the second. */
  less: 'less',
  /** Both name the same release (formatting, leading zeros, trailing ".0" and dates aside). */
  equal: 'equal',
  /** The first version is newer than the second. */
  greater: 'greater',
  /**
   * No reliable order: different formats or product families, opaque codes, unknown/empty
   * versions. Callers must never treat this as an upgrade (see isUpgrade).
   */
  incomparable: 'incomparable',
} as const;
export type VersionOrder = (typeof VersionOrder)[keyof typeof VersionOrder];

/** Maps a sign (-1/0/1, as from a comparator) to an order. */
export function orderFromSign(sign: number): VersionOrder {
  if (sign < 0) return VersionOrder.less;
  if (sign > 0) return VersionOrder.greater;
  return VersionOrder.equal;
}

/** The symbol the planner prints between two versions ("<", "=", ">", "~"). */
export function orderSymbol(order: VersionOrder): string {
  switch (order) {
    case VersionOrder.less:
      return '<';
    case VersionOrder.equal:
      return '=';
    case VersionOrder.greater:
      return '>';
    case VersionOrder.incomparable:
      return '~';
  }
}
