/**
 * The cluster's timing, in one block. A coordinator or worker that dies is noticed when its
 * lease / heartbeat row expires: failover takes at most `leaseTtlMs` plus one idle poll of the
 * survivors (DRIVE_DEFAULTS.idlePollMs), i.e. about 16 s by default. Renewals run every third
 * of the TTL, so two renewals may fail (a database failover, a long GC pause) before anything
 * expires. Clock skew between instances shortens or lengthens that bound by the skew: keep
 * hosts on NTP (see postgres-store.ts).
 */
export const CLUSTER_DEFAULTS = {
  /** Coordinator lease and instance heartbeat lifetime. */
  leaseTtlMs: 15_000,
  /**
   * An instance that could not renew its heartbeat for this share of the TTL stops its servers
   * (self-fencing): others adopt them once the row expires, and two drivers must never work one
   * server.
   */
  fenceAfterTtlShare: 2 / 3,
  /** `cluster status` warns when an instance's clock differs from the database's by more. */
  skewWarnMs: 1_000,
} as const;
