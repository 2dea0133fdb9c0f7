-- Runs inside `rpm --eval`: rpm.vercmp on raw strings and rpm.ver EVR ordering for every pair.
local out1 = io.open("../rpm-vercmp.tsv", "w")
local out2 = io.open("../rpm-evr-compare.tsv", "w")
for line in io.lines("/tmp/bulkhead-rpm-pairs.tsv") do
  local a, b = line:match("^(.-)\t(.*)$")
  out1:write(a, "\t", b, "\t", tostring(rpm.vercmp(a, b)), "\n")
  local ok, va = pcall(rpm.ver, a)
  local ok2, vb = pcall(rpm.ver, b)
  if ok and ok2 and va and vb then
    local r = 0
    if va < vb then r = -1 elseif va > vb then r = 1 end
    out2:write(a, "\t", b, "\t", tostring(r), "\n")
  end
end
out1:close()
out2:close()
