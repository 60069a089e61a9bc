import { checkHeaderText } from '../ami/writer';
import { AmiHeaderInjectionError } from '../ami/errors';
import { ServiceFailure } from './api';

/** A value that will be placed in an AMI header: the writer's CR/LF/NUL check, as a ServiceFailure. */
export function checkAmiHeaderValue(field: string, value: string): void {
  try {
    checkHeaderText(field, value);
  } catch (err) {
    if (err instanceof AmiHeaderInjectionError) {
      throw new ServiceFailure('invalidArgument', `${field} contains a line break or NUL, which AMI cannot carry`);
    }
    throw err;
  }
}
