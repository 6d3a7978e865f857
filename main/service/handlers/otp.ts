import type { HandlerDeps, HandlersFor } from '../handler-types.js';
import { otpParamsFromInput, secretFromBase32 } from '../account-input.js';
import { createCodeGenerator } from '../../otp/index.js';

export function otpHandlers({ clock }: HandlerDeps): HandlersFor<'otp.code'> {
  return {
    'otp.code': (request) => {
      const params = otpParamsFromInput(request);
      const generator = createCodeGenerator(params, secretFromBase32(request.secretBase32));
      try {
        return generator.codeAt(request.at === undefined ? clock.now() : request.at * 1000);
      } finally {
        generator.dispose();
      }
    },
  };
}
