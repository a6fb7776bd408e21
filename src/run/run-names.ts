import { createHash } from 'node:crypto';

const ADJECTIVES = [
  'amber', 'bold', 'brisk', 'calm', 'clever', 'crisp', 'dapper', 'eager', 'fancy', 'fast', 'fuzzy', 'gentle', 'glad', 'grand',
  'happy', 'hardy', 'honest', 'jolly', 'keen', 'kind', 'lively', 'lucky', 'merry', 'mighty', 'misty', 'neat', 'noble', 'polite',
  'proud', 'quick', 'quiet', 'rapid', 'royal', 'rustic', 'shiny', 'silent', 'sleek', 'smart', 'snowy', 'solid', 'spry', 'steady',
  'sunny', 'swift', 'tidy', 'vivid', 'warm', 'wild', 'wise', 'witty', 'young', 'zesty',
] as const;

const NOUNS = [
  'badger', 'bear', 'bison', 'cedar', 'comet', 'crane', 'delta', 'dune', 'eagle', 'ember', 'falcon', 'fern', 'fjord', 'fox',
  'glacier', 'gull', 'harbor', 'hawk', 'heron', 'island', 'lake', 'lark', 'lynx', 'maple', 'meadow', 'moose', 'moth', 'oak',
  'orca', 'otter', 'owl', 'panda', 'pine', 'plover', 'quartz', 'raven', 'reef', 'river', 'robin', 'sparrow', 'spruce', 'star',
  'stone', 'swan', 'tiger', 'trout', 'tundra', 'valley', 'walrus', 'willow', 'wolf', 'wren',
] as const;

/**
 * The name of a run started without one: adjective-noun-xxxx, e.g. `brisk-otter-3k7q`. Derived from the
 * run's id only (a hash picks the words, the id's last four characters follow), so it is stable, needs no
 * lookup, and two runs started in the same millisecond still read differently. Names need not be unique.
 */
export function defaultRunName(runId: string): string {
  const digest = createHash('sha256').update(runId).digest();
  const adjective = ADJECTIVES[digest.readUInt16BE(0) % ADJECTIVES.length];
  const noun = NOUNS[digest.readUInt16BE(2) % NOUNS.length];
  return `${adjective}-${noun}-${runId.slice(-4)}`;
}
