# Gem::Version (Ruby's bundled RubyGems) on the candidates.
dir = File.expand_path("..", __dir__)
versions = `python3 #{__dir__}/candidates.py gem versions`.split("\n")
File.open("#{dir}/gem-valid.tsv", "w") { |f| versions.each { |v| f.puts "#{v}\t#{Gem::Version.correct?(v) ? 1 : 0}" } }
File.open("#{dir}/gem-compare.tsv", "w") do |f|
  `python3 #{__dir__}/candidates.py gem pairs`.split("\n").each do |line|
    a, b = line.split("\t", 2)
    next unless Gem::Version.correct?(a) && Gem::Version.correct?(b)
    f.puts "#{a}\t#{b}\t#{Gem::Version.new(a) <=> Gem::Version.new(b)}"
  end
end
puts "rubygems #{Gem::VERSION}"
