import { useCallback, useEffect, useRef, useState } from 'react';
import { latchkey } from './client.js';
import { appData } from './app-store.js';
import { cancelOperation } from './vault.js';

export interface OperationState {
  readonly stage: string;
  /** 0–1 when main knows how far along it is; absent when it doesn't (a key derivation). */
  readonly fraction?: number;
}

export interface LongOperation {
  /** What is happening now; undefined when nothing is running. */
  readonly state: OperationState | undefined;
  /** Runs `call` under a fresh operation id, following its `op.progress` events until it settles. */
  readonly run: <T>(firstStage: string, call: (opId: string) => Promise<T>) => Promise<T>;
  /** Asks main to stop the running operation: its call then fails with CANCELLED, nothing written. */
  readonly cancel: () => void;
}

/** An id main has never seen: 16 random bytes as hex (randomUUID needs a secure context). */
export function newOpId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** One long operation at a time for a screen: its progress from main's events, and its Cancel. */
export function useLongOperation(): LongOperation {
  const [state, setState] = useState<OperationState | undefined>();
  const current = useRef<string | undefined>(undefined);

  useEffect(
    () =>
      latchkey().on('op.progress', ({ opId, stage, fraction }) => {
        if (opId === current.current) setState(fraction === undefined ? { stage } : { stage, fraction });
      }),
    [],
  );

  const run = useCallback(async <T,>(firstStage: string, call: (opId: string) => Promise<T>): Promise<T> => {
    const opId = newOpId();
    current.current = opId;
    setState({ stage: firstStage });
    try {
      return await call(opId);
    } finally {
      if (current.current === opId) {
        current.current = undefined;
        setState(undefined);
      }
    }
  }, []);

  const cancel = useCallback(() => {
    const opId = current.current;
    if (opId !== undefined) void appData.run(cancelOperation, opId);
  }, []);

  return { state, run, cancel };
}
