-- Counts every answer that is not a 200 holding each of the strings in WRK_EXPECT (one a line),
-- so that no wrong page is counted as served.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  expected = {}
  for line in string.gmatch(os.getenv("WRK_EXPECT") or "", "[^\n]+") do
    table.insert(expected, line)
  end
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    return
  end
  for _, text in ipairs(expected) do
    if not string.find(body, text, 1, true) then
      bad = bad + 1
      return
    end
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("bad")
  end
  io.write(string.format("Wrong answers: %d\n", total))
end
