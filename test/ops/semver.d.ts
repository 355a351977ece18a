/** semver (a transitive dependency, without @types here): the functions the engines test uses. */
declare module 'semver' {
  interface SemVer {
    version: string;
  }
  const semver: {
    satisfies(version: string, range: string): boolean;
    minVersion(range: string): SemVer | null;
    major(version: string): number;
    minor(version: string): number;
  };
  export default semver;
}
