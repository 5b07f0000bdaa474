/** Types for engine.mjs. */
export declare function ensureEngine(options?: {
  print?: (line: string) => void;
}): Promise<{ started: boolean; pid?: number; seconds: number }>;
export declare function stopEngine(options?: { print?: (line: string) => void }): Promise<boolean>;
export declare function engineAnswers(): Promise<boolean>;
export declare function engineStatus(): Promise<{
  answers: boolean;
  pid?: number;
  dataRoot: string;
  log: string;
}>;
export declare function docker(
  args: string[],
  options?: { log?: string; timeoutMs?: number },
): Promise<string>;
