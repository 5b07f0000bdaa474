/** A `pom` project that resolves exactly these group:artifact:version coordinates. */
export declare function fetchPom(spec: {
  artifactId: string;
  dependencies: string[];
  imports?: string[];
}): string;
export declare function mavenSettings(): string;
export declare function fetchJars(
  dir: string,
  pom: string,
  onStart?: () => void,
): Promise<{ lib: string; fetched: boolean; seconds: number }>;
