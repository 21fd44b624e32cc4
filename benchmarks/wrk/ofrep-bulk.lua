-- Bulk OFREP evaluations (every flag of the document), a different user on every request, no If-None-Match.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local body = '{"context":{"targetingKey":"user-' .. (n % 100000) .. '","country":"FR","plan":"premium","email":"someone@corp.example","appVersion":"2.4.1","deviceType":"ios","signupDate":"2019-06-01T10:00:00Z","spend":250,"age":31}}'
  return wrk.format(nil, "/ofrep/v1/evaluate/flags", nil, body)
end
dofile(os.getenv("REPORT_LUA"))
