/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xml_read FILE: the baseline of bench/inspect.sh for pain001 files. A
 * bare read of the file through libxml2's xmlTextReader (the reader
 * bankread uses, same options), every node visited, its name and text
 * looked at; prints the elements and text bytes.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/xmlreader.h>

int
main(int argc, char **argv)
{
	xmlTextReaderPtr r;
	size_t elements = 0, text = 0;
	int ret;

	if (argc != 2 ||
	    !(r = xmlReaderForFile(argv[1], NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
				   XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES))) {
		fprintf(stderr, "usage: xml_read FILE\n");
		return 2;
	}
	while ((ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);

		if (type == XML_READER_TYPE_ELEMENT) {
			elements += xmlTextReaderConstLocalName(r)[0] != 0;
		} else if (type == XML_READER_TYPE_TEXT) {
			const xmlChar *v = xmlTextReaderConstValue(r);

			text += v ? strlen((const char *)v) : 0;
		}
	}
	xmlFreeTextReader(r);
	if (ret < 0) {
		fprintf(stderr, "xml_read: not well formed\n");
		return 1;
	}
	printf("%zu elements, %zu bytes of text\n", elements, text);
	return 0;
}
