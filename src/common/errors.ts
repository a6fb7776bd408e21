import { GraphQLError } from 'graphql';

/** The stable error codes of the client contract (docs/api.md "Errors"). */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error whose message and code are meant for the client. Anything else is masked. */
export class ClientError extends GraphQLError {
  constructor(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export class BadInputError extends ClientError {
  constructor(field: string, message: string) {
    super(`${field}: ${message}`, ErrorCode.BAD_USER_INPUT, { field });
  }
}

export class NotFoundError extends ClientError {
  constructor(type: string, key: string, field?: string) {
    super(`${type} ${JSON.stringify(key)} not found`, ErrorCode.NOT_FOUND, field ? { field } : {});
  }
}

export class ConflictError extends ClientError {
  constructor(message: string, field?: string) {
    super(message, ErrorCode.CONFLICT, field ? { field } : {});
  }
}

export class PreconditionFailedError extends ClientError {
  constructor(message: string) {
    super(message, ErrorCode.PRECONDITION_FAILED);
  }
}

/** No identity, or one that did not check out: HTTP 401. The message never says which check failed. */
export class UnauthenticatedError extends ClientError {
  constructor(reason: 'missing' | 'invalid') {
    super(reason === 'missing' ? 'Authentication required: credentials are missing'
      : 'Authentication required: credentials are invalid or expired', ErrorCode.UNAUTHENTICATED,
    { http: { status: 401, headers: new Map([['www-authenticate', 'Bearer']]) } });
  }
}

export class ForbiddenError extends ClientError {
  constructor(message: string) {
    super(message, ErrorCode.FORBIDDEN);
  }
}
