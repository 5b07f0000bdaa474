/** Runs `task` while holding the named cross-process lock under .brokers/locks. */
export declare function withLock<T>(name: string, task: () => Promise<T>, timeoutMs?: number): Promise<T>;
