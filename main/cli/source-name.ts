/**
 * A file's path as the name of where accounts came from, within the service's limit for such names:
 * a longer path keeps its end (the file's own name), so a file deep in the tree is still read.
 */
export function sourceName(path: string, max: number): string {
  return path.length <= max ? path : `…${path.slice(path.length - (max - 1))}`;
}
