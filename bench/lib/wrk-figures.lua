-- For bench/lib/wrk.ts: counts every answer but a 200 (wrk's own count starts
-- at 400) and prints the run's figures as one JSON line (times in microseconds).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local other = 0
  for _, thread in ipairs(threads) do
    other = other + thread:get("non200")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_FIGURES {"requests":%d,"durationUs":%d,"non200":%d,"socketErrors":%d,"p50Us":%d,"p99Us":%d}\n',
    summary.requests, summary.duration, other, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
