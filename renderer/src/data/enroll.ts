import type { RequestOf } from '../../../shared/api.js';
import { mutation, query } from './store.js';

export const decodeImage = mutation((client, request: RequestOf<'enroll.decodeImage'>) => client.call('enroll.decodeImage', request));
export const decodeText = mutation((client, request: RequestOf<'enroll.decodeText'>) => client.call('enroll.decodeText', request));
export const captureScreen = mutation((client, _: undefined) => client.call('enroll.captureScreen', {}));
export const commitCandidates = mutation((client, request: RequestOf<'enroll.commit'>) => client.call('enroll.commit', request));

/** The export formats main reads: fixed for a run of the app. */
export const importFormats = query('import.formats', (client, _: undefined) => client.call('import.formats', {}), { keepWhenLocked: true });
export const previewImport = mutation((client, request: RequestOf<'import.preview'>) => client.call('import.preview', request));
export const commitImport = mutation((client, request: RequestOf<'import.commit'>) => client.call('import.commit', request));
