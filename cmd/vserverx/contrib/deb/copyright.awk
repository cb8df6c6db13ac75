# SPDX-License-Identifier: Apache-2.0
# copyright.awk: the body of copyright.sh. Input: the output of
# `go version -m BIN`. Variables: head, modules, licenses (the three
# DEP-5 fragments) and bin (for messages).

# paragraphs reads a DEP-5 fragment into text[key] (key: the value of the
# paragraph's first field, KEYFIELD) and order[1..n]; it returns n.
function paragraphs(file, keyfield, text, order,    line, n, cur, key) {
	n = 0
	cur = ""
	while ((getline line < file) > 0) {
		if (line == "") {
			n = store(cur, keyfield, text, order, n)
			cur = ""
		} else {
			cur = cur line "\n"
		}
	}
	close(file)
	return store(cur, keyfield, text, order, n)
}

function store(para, keyfield, text, order, n,    key) {
	if (para == "")
		return n
	key = para
	sub(/\n.*/, "", key)
	if (index(key, keyfield ": ") != 1) {
		printf "copyright.sh: a paragraph does not start with %s: %s\n", keyfield, key > "/dev/stderr"
		failed = 1
		return n
	}
	key = substr(key, length(keyfield) + 3)
	text[key] = para
	order[++n] = key
	return n
}

# uses records the licences named by the License fields of PARA.
function uses(para,    lines, n, i) {
	n = split(para, lines, "\n")
	for (i = 1; i <= n; i++)
		if (index(lines[i], "License: ") == 1)
			used[substr(lines[i], 10)] = 1
}

NR == 1 {
	goversion = $NF
	next
}
$1 == "dep" {
	dep[++ndeps] = $2
	depversion[$2] = $3
}

END {
	paragraphs(modules, "Files", module, morder)
	nlic = paragraphs(licenses, "License", licence, lorder)
	out = ""
	while ((getline line < head) > 0) {
		gsub(/@GO_VERSION@/, goversion, line)
		out = out line "\n"
	}
	uses(out)
	for (i = 1; i <= ndeps; i++)
		out = out "\n" modulepara(dep[i])
	for (i = 1; i <= nlic; i++)
		if (lorder[i] in used) {
			out = out "\n" licence[lorder[i]]
			delete used[lorder[i]]
		}
	for (name in used) {
		printf "copyright.sh: licence %s is named but licenses.dep5 has no License: %s paragraph with its text\n", name, name > "/dev/stderr"
		failed = 1
	}
	if (failed)
		exit 1
	printf "%s", out
}

# modulepara returns a module's Files paragraph with its version.
function modulepara(path,    key, para) {
	key = path "/*"
	if (!(key in module)) {
		printf "copyright.sh: %s contains Go module %s %s, which modules.dep5 does not list: add a Files: %s paragraph with its copyright and licence\n", bin, path, depversion[path], key > "/dev/stderr"
		failed = 1
		return ""
	}
	para = module[key]
	uses(para)
	return para "Comment: Go module " path " " depversion[path] ".\n"
}
