package dev.workerclass.realapp;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** An owner id nobody has: 404, rendered by {@code templates/error/404.html}. */
public class OwnerNotFoundException extends ResponseStatusException {

	public OwnerNotFoundException(long id) {
		super(HttpStatus.NOT_FOUND, "Owner " + id + " not found");
	}

}
