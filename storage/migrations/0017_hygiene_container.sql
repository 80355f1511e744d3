-- Whether a repository ships a container format (OS2's governance
-- recommendation F19), from the same daily listing of its root as its
-- security policy: 'file' a Containerfile, Dockerfile or compose file in
-- the root; 'dir' none there, but a directory that usually holds one
-- (docker/, .docker/, container/); 'none' neither; '' not checked (rows
-- written before this column).
ALTER TABLE repository_hygiene ADD COLUMN container TEXT NOT NULL DEFAULT '';
