/**
 * The framework reference: Apollo Server 5 with a trivial schema via `startStandaloneServer`, nothing else
 * (no database, no plugins, no limits). Started by run.ts as its own process, like the registry; prints its
 * URL as one line on stdout. Usage: node dist/bench/bare-apollo.js <port>
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 0);
  const server = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port } });
  console.log(url);
  const stop = () => void server.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
