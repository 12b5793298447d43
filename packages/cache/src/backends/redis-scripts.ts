// Lua scripts, so each multi-step operation is atomic on the server. They run
// through ioredis's defineCommand (EVALSHA, falling back to EVAL once).

/**
 * Set an entry (optionally only if absent) and file it under its tags.
 * KEYS[1] entry, then n tag sets, then their n invalidation counters;
 * ARGV payload, ttl ms (0 = never), nx ('1'), and the counters' values when
 * the value was computed ('' = do not check): if a tag was invalidated since,
 * nothing is stored. A tag set lives as long as its longest-lived member, so
 * it never outlives what it indexes by much and never expires before it.
 */
export const SET_TAGGED = `
local ttl = tonumber(ARGV[2])
local tags = (#KEYS - 1) / 2
if ARGV[4] ~= '' then
  local now = {}
  for i = 1, tags do now[i] = redis.call('GET', KEYS[1 + tags + i]) or '0' end
  if table.concat(now, ',') ~= ARGV[4] then return 0 end
end
local args = {'SET', KEYS[1], ARGV[1]}
if ttl > 0 then table.insert(args, 'PX'); table.insert(args, ttl) end
if ARGV[3] == '1' then table.insert(args, 'NX') end
if not redis.call(unpack(args)) then return 0 end
for i = 2, 1 + tags do
  local existed = redis.call('EXISTS', KEYS[i])
  redis.call('SADD', KEYS[i], KEYS[1])
  if ttl == 0 then
    redis.call('PERSIST', KEYS[i])
  else
    local current = redis.call('PTTL', KEYS[i])
    if existed == 0 or (current >= 0 and current < ttl) then redis.call('PEXPIRE', KEYS[i], ttl) end
  end
end
return 1
`;

/**
 * Delete the entries filed under n tags and the tag sets, and count the
 * invalidation (KEYS: n tag sets, then their n counters, which live a day
 * after the last invalidation: longer than any computation they guard).
 * Returns { number deleted, member keys... } (the tiered backend forwards the
 * keys to other processes' memory tiers).
 */
export const INVALIDATE_TAGS = `
local result = {0}
local tags = #KEYS / 2
for i = 1, tags do
  local members = redis.call('SMEMBERS', KEYS[i])
  for j = 1, #members, 500 do
    result[1] = result[1] + redis.call('UNLINK', unpack(members, j, math.min(j + 499, #members)))
  end
  for _, member in ipairs(members) do table.insert(result, member) end
  redis.call('DEL', KEYS[i])
  redis.call('INCR', KEYS[tags + i])
  redis.call('EXPIRE', KEYS[tags + i], 86400)
end
return result
`;

/** INCRBY only when the key exists (Django's incr raises on a missing key). */
export const INCR_EXISTING = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('INCRBY', KEYS[1], ARGV[1])
`;

/** New lifetime for an existing key: ARGV ms, or 0 to make it permanent. */
export const TOUCH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] == '0' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
`;

/** Release a lock only if we still hold it (it may have expired and been taken by another). */
export const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** The commands these scripts add to a client. */
export interface ScriptCommands {
  manoucheCacheSet(numKeys: number, ...args: Array<string | number>): Promise<number>;
  manoucheCacheInvalidate(numKeys: number, ...keys: string[]): Promise<[number, ...string[]]>;
  manoucheCacheIncr(key: string, delta: number): Promise<number | null>;
  manoucheCacheTouch(key: string, ttlMs: number): Promise<number>;
  manoucheCacheUnlock(key: string, token: string): Promise<number>;
}

interface Definer {
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

export function defineScripts(client: Definer): void {
  client.defineCommand('manoucheCacheSet', { lua: SET_TAGGED });
  client.defineCommand('manoucheCacheInvalidate', { lua: INVALIDATE_TAGS });
  client.defineCommand('manoucheCacheIncr', { lua: INCR_EXISTING, numberOfKeys: 1 });
  client.defineCommand('manoucheCacheTouch', { lua: TOUCH, numberOfKeys: 1 });
  client.defineCommand('manoucheCacheUnlock', { lua: UNLOCK, numberOfKeys: 1 });
}
