/** Paths of the CloudNativePG fixtures the sample specs create clusters from. */
import { fileURLToPath } from 'node:url';

export function cnpgFixture(file: string): string {
  return fileURLToPath(new URL(`../../fixtures/cnpg/${file}`, import.meta.url));
}
