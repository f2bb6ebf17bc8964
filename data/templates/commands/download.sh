#@ head

# --- download: the Kafka and ZooKeeper release archives, each checked
# against its official SHA-512 before anything uses it.
mkdir -p downloads
#@ release
# {{program|raw}} {{version|raw}}
{{#if archives}}
cp -v {{archives|sh}}/{{archive|raw}} downloads/{{archive|raw}}.part
{{/if}}
{{#if !archives}}
curl -fsSL {{#if ca_file}}--cacert {{ca_file|sh}} {{/if}}-o downloads/{{archive|raw}}.part {{url|sh}}
{{/if}}
{{#if pin}}
sum={{pin|sh}}
{{/if}}
{{#if !pin}}
# The checksum comes from the official site, not from the mirror: a sum from
# the server that sent the archive would prove only the transfer.  Kafka's
# .sha512 is gpg --print-md output (NAME: upper-case hex in groups, wrapped),
# ZooKeeper's is "hex  NAME": both become the bare hex that sha512sum wants.
sum=$(curl -fsSL {{#if ca_file}}--cacert {{ca_file|sh}} {{/if}}{{sum_url|sh}} | sed 's/^[^:]*://' | tr -d ' \t\r\n' | tr 'A-F' 'a-f' | cut -c1-128)
{{/if}}
printf '%s  %s\n' "$sum" downloads/{{archive|raw}}.part | sha512sum -c -
mv downloads/{{archive|raw}}.part downloads/{{archive|raw}}
chmod 644 downloads/{{archive|raw}}
