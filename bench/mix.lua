-- wrk script: one signed-in learner per connection (run with as many threads as
-- connections, so a thread's state is one connection's state).
--
--   wrk -t16 -c16 -d30s -s bench/mix.lua http://127.0.0.1:PORT -- SESSIONS_FILE OUT_DIR [MODE]
--
-- SESSIONS_FILE: one line per learner, tab-separated:
--   cookie  csrf  lessons(|)  outlines(|)  quizzes(|)
-- Mix by request: lesson 60%, outline 15%, /me 10%, quiz 15% (a quiz visit is a
-- sequence: quiz page, [POST start, attempt page], POST submit: about 4 requests).
-- Each response is written to OUT_DIR/thread-N.tsv as: type  status  microseconds  ok.
-- MODE "floor" asks for the trivial route only, without a session; "lesson" for lesson
-- pages only; no MODE: the mix.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
  table.insert(threads, thread)
end

local function split(text, sep)
  local out = {}
  for part in string.gmatch(text, "([^" .. sep .. "]+)") do
    table.insert(out, part)
  end
  return out
end

local function urlencode(text)
  return (string.gsub(text, "[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local learner, out, floor_mode, lesson_mode
local pending, current, started

function init(args)
  local sessions_file, out_dir = args[1], args[2]
  floor_mode = args[3] == "floor"
  lesson_mode = args[3] == "lesson"
  math.randomseed(thread_number * 7919)
  local lines = {}
  for line in io.lines(sessions_file) do
    table.insert(lines, line)
  end
  local fields = split(lines[(thread_number - 1) % #lines + 1], "\t")
  learner = {
    cookie = fields[1],
    csrf = fields[2],
    lessons = split(fields[3], "|"),
    outlines = split(fields[4], "|"),
    quizzes = split(fields[5], "|"),
  }
  out = io.open(out_dir .. "/thread-" .. thread_number .. ".tsv", "w")
  out:setvbuf("line")
end

local function pick(list)
  return list[math.random(#list)]
end

local function get(kind, path, compressed)
  local headers = { Cookie = learner.cookie }
  if compressed then
    headers["Accept-Encoding"] = "gzip"
  end
  return { kind = kind, method = "GET", path = path, headers = headers }
end

local function post(kind, path, body)
  return {
    kind = kind,
    method = "POST",
    path = path,
    body = body,
    headers = {
      Cookie = learner.cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Accept-Encoding"] = "gzip",
    },
  }
end

local function next_visit()
  local r = math.random() * 88.75 -- 60 + 15 + 10 + 3.75 (a quiz visit is ~4 requests)
  if r < 60 then
    return get("lesson", pick(learner.lessons), true)
  elseif r < 75 then
    return get("outline", pick(learner.outlines), true)
  elseif r < 85 then
    return get("me", "/me", true)
  end
  -- The quiz page is parsed here, so it is asked for uncompressed (wrk has no gzip).
  return get("quiz_page", pick(learner.quizzes), false)
end

function request()
  if floor_mode then
    current = { kind = "floor", method = "GET", path = "/_bench/floor", headers = { ["Accept-Encoding"] = "gzip" } }
  else
    current = pending or (lesson_mode and get("lesson", pick(learner.lessons), true))
      or next_visit()
    pending = nil
    current.headers.Cookie = learner.cookie
  end
  started = now_us()
  return wrk.format(current.method, current.path, current.headers, current.body)
end

-- Answers for every question of an attempt page: a random option, "1" for text.
local function answers(body)
  local parts, seen = {}, {}
  for name, value in string.gmatch(body, 'name="(q%-[^"]+)" value="([^"]*)"') do
    if not seen[name] or math.random() < 0.4 then
      seen[name] = value
    end
  end
  for name in string.gmatch(body, 'type="text"[^>]-name="(q%-[^"]+)"') do
    seen[name] = "1"
  end
  for name, options in string.gmatch(body, '<select[^>]-name="(q%-[^"]+)">(.-)</select>') do
    local values = {}
    for value in string.gmatch(options, 'value="([^"]+)"') do
      table.insert(values, value)
    end
    if #values > 0 then
      seen[name] = pick(values)
    end
  end
  for name, value in pairs(seen) do
    table.insert(parts, urlencode(name) .. "=" .. urlencode(value))
  end
  return table.concat(parts, "&")
end

local function update_cookie(headers)
  local value = headers["Set-Cookie"] or headers["set-cookie"]
  if value then
    local session = string.match(value, "(session=[^;]*)")
    if session then
      learner.cookie = session
    end
  end
end

function response(status, headers, body)
  local elapsed = now_us() - started
  local kind = current.kind
  local ok = false
  if kind == "floor" or kind == "lesson" or kind == "outline" or kind == "me" then
    ok = status == 200
  elseif kind == "quiz_page" then
    ok = status == 200
    local attempt = string.match(body, 'name="attempt" value="(%d+)"')
    local quiz_path = current.path
    if attempt then
      pending = post(
        "quiz_submit",
        quiz_path,
        "csrf_token=" .. urlencode(learner.csrf) .. "&attempt=" .. attempt .. "&" .. answers(body)
      )
    elseif ok then
      pending = post("quiz_start", quiz_path .. "/start", "csrf_token=" .. urlencode(learner.csrf))
    end
    if pending then
      pending.quiz = quiz_path
    end
  elseif kind == "quiz_start" then
    ok = status == 302
    if ok then
      pending = get("quiz_page", current.quiz, false)
    end
  elseif kind == "quiz_submit" then
    local location = headers["Location"] or headers["location"] or ""
    ok = status == 302 and string.find(location, "/attempts/", 1, true) ~= nil
  end
  if not floor_mode then
    update_cookie(headers)
  end
  out:write(kind, "\t", status, "\t", string.format("%d", elapsed), "\t", ok and "1" or "0", "\n")
end
