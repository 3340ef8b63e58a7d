/** Every default of the simulator in one place. */
export const SIM_DEFAULTS = {
  /** Loopback only: the simulator is a test peer and a rehearsal tool, never a network service. */
  host: '127.0.0.1',
  /** 0: an ephemeral port per BMC (no collisions between parallel test files). */
  basePort: 0,
  tls: true,
  namePrefix: 'sim-',
  /** One account for the whole fleet, so one fleet-file credentials block covers every BMC. */
  username: 'admin',
  seed: 1,
  latencyMs: 0,
  /** Retry-After of the `unavailable` fault when a patch does not name one. */
  retryAfterSeconds: 1,
  /** Largest request body a handler reads at once (update images will stream instead). */
  bodyLimitBytes: 64 * 1024 * 1024,
  /**
   * Images up to this size are kept in memory once received (installed image read back through
   * ImageDataURI, slice copies); larger ones are only verified, so a 256 MiB bench image never
   * sits in memory. Factory images are 4 KiB.
   */
  keepImageBytes: 8 * 1024 * 1024,
  /** Largest admin endpoint body. */
  adminBodyLimitBytes: 64 * 1024,
} as const;
