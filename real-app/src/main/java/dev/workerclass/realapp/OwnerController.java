package dev.workerclass.realapp;

import java.util.List;

import jakarta.validation.Valid;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.ui.ModelMap;
import org.springframework.util.StringUtils;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

@Controller
@RequestMapping("/owners")
class OwnerController {

	static final String FORM_VIEW = "owners/form";

	private final OwnerRepository owners;

	OwnerController(OwnerRepository owners) {
		this.owners = owners;
	}

	@GetMapping
	String listOwners(@RequestParam(required = false) String lastName, Model model) {
		List<Owner> found = StringUtils.hasText(lastName)
				? this.owners.findByLastNameStartingWithIgnoreCaseOrderByLastNameAscFirstNameAsc(lastName.strip())
				: this.owners.findAllByOrderByLastNameAscFirstNameAsc();
		model.addAttribute("owners", found);
		model.addAttribute("lastName", lastName);
		return "owners/list";
	}

	@GetMapping("/{ownerId}")
	ModelAndView showOwner(@PathVariable long ownerId) {
		Owner owner = this.owners.findById(ownerId).orElseThrow(() -> new OwnerNotFoundException(ownerId));
		ModelAndView mav = new ModelAndView("owners/detail");
		mav.addObject("owner", owner);
		return mav;
	}

	@GetMapping("/new")
	String initCreationForm(ModelMap model) {
		model.put("owner", new Owner());
		return FORM_VIEW;
	}

	@PostMapping("/new")
	String addOwner(@Valid @ModelAttribute Owner owner, BindingResult result, RedirectAttributes redirectAttributes) {
		if (result.hasErrors()) {
			return FORM_VIEW;
		}
		Owner saved = this.owners.save(owner);
		redirectAttributes.addAttribute("ownerId", saved.getId());
		redirectAttributes.addFlashAttribute("message", "New owner " + saved.getFullName() + " added");
		return "redirect:/owners/{ownerId}";
	}

}
