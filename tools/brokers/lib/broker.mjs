/**
 * What the manager needs from each broker. Each definition lives in ../brokers/<name>.mjs.
 *
 * @typedef {object} Broker
 * @property {"kafka" | "rabbitmq" | "sqs" | "pulsar" | "toxiproxy" | "postgres"} name
 * @property {string} version pinned version that `fetch` installs
 * @property {Record<string, number>} ports loopback ports it serves
 * @property {number} startTimeoutMs how long a start may take before it is reported failed
 * @property {string} log file the broker's output goes to (shown by `logs` and on failure)
 * @property {string[]} dataDirs wiped by `up --fresh`
 * @property {(onStart: () => void) => Promise<{ fetched: boolean, seconds: number }>} fetch installs into the cache once, calling onStart only when it has to download
 * @property {boolean} [fetchesWithMaven] fetches go through the shared local Maven repository, one at a time
 * @property {string} [marker] text in the command line that proves a pid is ours (default: its run dir)
 * @property {(state: object) => boolean} [running] custom "is our process still there" check
 * @property {() => Promise<number | undefined>} start starts it; resolves with the pid to record
 *   (undefined when a service manager owns the process)
 * @property {(timeoutMs: number) => Promise<unknown>} health one protocol round trip
 * @property {(state: object) => Promise<void>} [stop] custom stop, when a process group kill is wrong
 * @property {(state: object | undefined) => Promise<void>} [reset] empties a broker `up --fresh` did not start
 * @property {() => number | undefined} [findPid] the serving process when we did not start it
 */
export {};
