/*
 * The minimum cost of a program that uses Debian's libcurl, for comparison
 * with the hooks in `make bench` (BENCHMARKS.md, "Hook overhead"):
 *
 *   libcurl-floor --load-only    load libcurl and its libraries, then exit
 *   libcurl-floor                also initialise libcurl and free one handle
 *   libcurl-floor URL CA_FILE    also make one HTTPS GET, verifying the server
 *                                against CA_FILE, and fail unless it returns 2xx
 *
 * The request sends "Authorization: Bearer $LIBCURL_FLOOR_TOKEN" when that
 * variable is set; the token stays out of argv. Every hook program makes at
 * least one HTTPS request, so two runs of the last form are the floor of one
 * auth plus cleanup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

static size_t discard(char *data, size_t size, size_t count, void *context)
{
	(void)data;
	(void)context;
	return size * count;
}

/* Makes the GET; returns 0 on a 2xx response. */
static int request(CURL *handle, const char *url, const char *ca_file)
{
	const char *token = getenv("LIBCURL_FLOOR_TOKEN");
	struct curl_slist *headers = NULL;
	char authorization[512];
	CURLcode code;
	int status = 1;

	if (token != NULL && *token != '\0') {
		snprintf(authorization, sizeof(authorization), "Authorization: Bearer %s", token);
		headers = curl_slist_append(NULL, authorization);
		if (headers == NULL) {
			fprintf(stderr, "libcurl-floor: out of memory\n");
			goto out;
		}
	}
	curl_easy_setopt(handle, CURLOPT_URL, url);
	curl_easy_setopt(handle, CURLOPT_CAINFO, ca_file);
	curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(handle, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, discard);
	code = curl_easy_perform(handle);
	if (code != CURLE_OK) {
		fprintf(stderr, "libcurl-floor: GET %s failed: %s\n", url, curl_easy_strerror(code));
		goto out;
	}
	status = 0;
out:
	curl_slist_free_all(headers);
	return status;
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
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "libcurl-floor: curl_global_init failed\n");
		return 1;
	}
	handle = curl_easy_init();
	if (handle == NULL) {
		fprintf(stderr, "libcurl-floor: curl_easy_init failed\n");
		goto out;
	}
	status = argc == 3 ? request(handle, argv[1], argv[2]) : 0;
out:
	curl_easy_cleanup(handle);
	curl_global_cleanup();
	return status;
}
