import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import { currentRequest } from './request-record';

/**
 * Copies what only Apollo knows about a request (its operation, the caller, the error codes answered) onto the
 * request's record; the HTTP layer logs it and counts it once the answer is sent (src/observability/http.ts).
 */
export function requestRecordPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, operationName, contextValue, response }) {
          const record = currentRequest();
          if (!record || record.closed) return;
          if (operation) {
            record.operationType = operation.operation;
            record.operationName = operationName ?? null;
          }
          record.actor = contextValue?.actor;
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            const code = error.extensions?.code;
            record.addCode(typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
          }
        },
      };
    },
  };
}
