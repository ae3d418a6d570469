/*
 * The least that a program using Debian's libcurl can cost, for comparison
 * with the hooks in `make bench` (see BENCHMARKS.md):
 *
 *   libcurl-floor --load-only    load libcurl and its libraries, then exit
 *   libcurl-floor                also initialise libcurl and free one handle
 *   libcurl-floor URL CA_FILE    also make one HTTPS GET, verifying the
 *                                server against CA_FILE, and drop the body
 *
 * Every hook program makes at least one HTTPS request, so two runs of the
 * last form are the floor of one auth plus cleanup.
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

static size_t discard(char *data, size_t size, size_t count, void *context)
{
	(void)data;
	(void)context;
	return size * count;
}

int main(int argc, char **argv)
{
	CURL *handle = NULL;
	int status = 1;

	if (argc == 2 && strcmp(argv[1], "--load-only") == 0)
		return 0;
	if (argc != 1 && argc != 3) {
		fprintf(stderr, "usage: libcurl-floor [--load-only | URL CA_FILE]\n");
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	handle = curl_easy_init();
	if (handle == NULL)
		goto out;
	if (argc == 3) {
		CURLcode code;

		curl_easy_setopt(handle, CURLOPT_URL, argv[1]);
		curl_easy_setopt(handle, CURLOPT_CAINFO, argv[2]);
		curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, discard);
		code = curl_easy_perform(handle);
		if (code != CURLE_OK) {
			fprintf(stderr, "libcurl-floor: %s\n", curl_easy_strerror(code));
			goto out;
		}
	}
	status = 0;
out:
	curl_easy_cleanup(handle);
	curl_global_cleanup();
	return status;
}
