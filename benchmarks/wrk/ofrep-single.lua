-- Single-flag OFREP evaluations, a different user on every request (bench-rule: three clauses).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local body = '{"context":{"targetingKey":"user-' .. (n % 100000) .. '","country":"US","plan":"premium","age":' .. (n % 60) .. '}}'
  return wrk.format(nil, "/ofrep/v1/evaluate/flags/" .. (os.getenv("FLAG") or "bench-rule"), nil, body)
end
dofile(os.getenv("REPORT_LUA"))
