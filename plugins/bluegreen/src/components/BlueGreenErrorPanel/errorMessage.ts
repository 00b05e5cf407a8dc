import { ErrorLike, ResponseError } from '@backstage/errors';

/** The backend's own words when it sent some: they name the problem and the fix. */
export function errorMessage(error: Error | ErrorLike): string {
  return ResponseError.is(error) ? error.cause.message : error.message;
}

/** What a failed request means for the user, by status. */
export function errorTitle(error: Error | ErrorLike): string {
  if (!ResponseError.is(error)) {
    return 'The blue/green backend could not be reached';
  }
  switch (error.statusCode) {
    case 400:
      return 'The blue/green plugin cannot read this entity';
    case 403:
      return 'You may not see the blue/green state of this entity';
    case 404:
      return 'The catalog does not know this entity';
    default:
      return `The blue/green backend failed (${error.statusCode} ${error.statusText})`;
  }
}
