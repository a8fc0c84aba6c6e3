/** The profile file named by KUBEXPECT_STORAGE_PROFILES, loaded once per path before detection. */
import { readEnv } from '../config/env.ts';
import { loadStorageProfileFile } from './profile-file.ts';

let loaded: { path: string | undefined; done: Promise<() => void> } | undefined;

/**
 * Loads (once) the file KUBEXPECT_STORAGE_PROFILES names. A changed path replaces the previous
 * file's profiles; an invalid file rejects with its problems (and is read again next time).
 */
export async function loadProfilesFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const path = readEnv('KUBEXPECT_STORAGE_PROFILES', env);
  if (!loaded || loaded.path !== path) {
    const previous = loaded;
    const entry = {
      path,
      done: (async () => {
        if (previous) (await previous.done.catch(() => () => {}))();
        return path === undefined ? () => {} : loadStorageProfileFile(path);
      })(),
    };
    loaded = entry;
    entry.done.catch(() => {
      if (loaded === entry) loaded = undefined;
    });
  }
  await loaded.done;
}
