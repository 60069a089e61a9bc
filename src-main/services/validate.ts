import { ServiceFailure } from './api';

/** Values that will be placed in an AMI header: a CR, LF or NUL would inject headers. Refused, never escaped. */
export function checkAmiHeaderValue(field: string, value: string): void {
  if (/[\r\n\0]/.test(value)) {
    throw new ServiceFailure('invalidArgument', `${field} contains a line break or NUL, which AMI cannot carry`);
  }
}
