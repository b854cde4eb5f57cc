"""Staff work: accounts, who may do what, setting up waves and schools, the fieldwork monitor."""
